export * from './enums';
export * from './auth';
export * from './catalog';
export * from './billing';
export * from './credits';
export * from './analytics';
export * from './views';
export * from './sales';
