import { DuckDBInstance } from '@duckdb/node-api';
const inst = await DuckDBInstance.create(':memory:');
const c = await inst.connect();
const sql = process.argv[2];
const r = await c.runAndReadAll(sql);
console.table(r.getRowObjectsJson());
