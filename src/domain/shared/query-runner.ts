import type { Params, Row } from "../../db/database.js";

/** How a repository runs a read: in executeRead, counted, under the request's time limit. */
export type QueryRunner = (cypher: string, params?: Params) => Promise<Row[]>;
