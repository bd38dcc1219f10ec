/** One schema step. `version` values are 1, 2, 3, … with no gaps; `up` is plain SQL. */
export interface Migration {
  version: number;
  name: string;
  up: string;
}
