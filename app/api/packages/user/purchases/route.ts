import { queryOf, withTeam } from '@/lib/api/with-team';
import { listPurchases } from '@/lib/purchases';
import { purchasesQuery } from '@/lib/purchases/schemas';

export const GET = withTeam(async (req, { app, team }) =>
  listPurchases(app.db, team.id, purchasesQuery.parse(queryOf(req))),
);
