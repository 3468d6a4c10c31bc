import fc from 'fast-check';

// The seed comes from vitest.config.ts (FC_SEED): one per commit, so a commit's CI run draws the
// same cases as anyone's run of it, and a failure there reproduces here. `FC_SEED=random` draws afresh.
const seed = process.env.FC_SEED;
if (seed && seed !== 'random') fc.configureGlobal({ seed: Number(seed) });
