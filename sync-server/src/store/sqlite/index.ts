// The SQLite adapter's front door: the rest of the store imports only this.
export { openSqliteStore } from './open-sqlite-store.ts';
