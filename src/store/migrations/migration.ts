/** One schema change. Statements run in order in one transaction; each is a single SQL statement. */
export interface Migration {
  version: number;
  name: string;
  statements: string[];
}
