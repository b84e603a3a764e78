/**
 * One description per stored row type: each column's name, SQL type, nullability and how it is
 * packed, from which the table's CREATE TABLE, its INSERT, its SELECT lists, the TypeScript
 * row type and the packed record (records/packing.ts) are all derived. Model-agnostic: the
 * chart model describes its tables with it (chart/tables.ts).
 */

export type SqlType = 'TEXT' | 'INTEGER' | 'REAL' | 'BLOB';

/**
 * How a field travels in a packed record: `text` as it is (as JSON when it holds a separator),
 * `json-text` a string that is JSON text (cannot hold a raw control character), `number` as
 * decimal text, `json` any other value as JSON.
 */
export type Codec = 'text' | 'json-text' | 'number' | 'json';

export interface Field<T = unknown> {
  /** The SQL column type; null for a record field that is no column (an object, a list). */
  readonly sql: SqlType | null;
  readonly codec: Codec;
  readonly nullable: boolean;
  /** How a database written before this column existed gives it (an SQL expression over its columns). */
  readonly was?: string;
  /** Phantom: the TypeScript type of the value. */
  readonly _type?: T;
}

export type ValueOf<F> = F extends Field<infer T> ? T : never;

const field = <T>(sql: SqlType | null, codec: Codec): Field<T> => ({ sql, codec, nullable: false });

/** Column and record field types. */
export const col = {
  text: field<string>('TEXT', 'text'),
  /** A TEXT column holding JSON text (an object or an array), stored and packed as it is. */
  jsonText: field<string>('TEXT', 'json-text'),
  integer: field<number>('INTEGER', 'number'),
  real: field<number>('REAL', 'number'),
  /** A BLOB column (stored, never packed into a record). */
  blob: field<Buffer>('BLOB', 'json'),
  /** A 0/1 INTEGER column. */
  flag: field<0 | 1>('INTEGER', 'number'),
  /** A record field that is no column: any JSON value of type T. */
  value: <T>(): Field<T> => field<T>(null, 'json'),
  /** A TEXT column of one of these stored values (a named constant set). */
  oneOf: <T extends string>(_values: Readonly<Record<string, T>>): Field<T> => field<T>('TEXT', 'text'),
};

/** The same field, NULL allowed. */
export const maybe = <T>(f: Field<T>): Field<T | null> => ({ ...f, nullable: true }) as Field<T | null>;

/** The same column, read from a database written before it existed through `sql`. */
export const since = <T>(f: Field<T>, was: string): Field<T> => ({ ...f, was });

export type Columns = Record<string, Field>;
export type RowOf<C extends Columns> = { -readonly [K in keyof C]: ValueOf<C[K]> };

export interface Table<C extends Columns> {
  readonly name: string;
  readonly columns: C;
  readonly names: readonly (keyof C & string)[];
  /** CREATE TABLE text (with `extra` table constraints). */
  readonly create: string;
  /** An INSERT of these columns (all, in the description's order, by default), as positional parameters. */
  insert(names?: readonly (keyof C & string)[], verb?: string): string;
  /**
   * A SELECT list of these columns, prefixed by `alias.` when given. `legacy`: the database was
   * written before some columns existed; those are read through their `was` expression. `as`:
   * columns read under another name (where a join reads a column of that name from another table).
   */
  select(names?: readonly (keyof C & string)[], options?: { alias?: string; legacy?: boolean; as?: { readonly [K in keyof C]?: string } }): string;
}

const IDENT = /^[a-z_][a-z0-9_]*$/;

export function defineTable<const C extends Columns>(name: string, columns: C, extra: readonly string[] = []): Table<C> {
  const names = Object.keys(columns) as (keyof C & string)[];
  for (const n of [name, ...names]) if (!IDENT.test(n)) throw new Error(`not a plain SQL name: ${n}`);
  const defs = names.map((n) => {
    const f = columns[n]!;
    if (f.sql === null) throw new Error(`${name}.${n} is no column`);
    return `${n} ${f.sql}${f.nullable ? '' : ' NOT NULL'}`;
  });
  return {
    name,
    columns,
    names,
    create: `CREATE TABLE ${name}(${[...defs, ...extra].join(', ')})`,
    insert: (cols = names, verb = 'INSERT') => `${verb} INTO ${name}(${cols.join(',')}) VALUES (${cols.map(() => '?').join(',')})`,
    select: (cols = names, { alias, legacy = false, as = {} } = {}) =>
      cols
        .map((n) => {
          const was = columns[n]!.was;
          const ref = alias ? `${alias}.${n}` : n;
          const named = (as as { readonly [K in keyof C]?: string })[n];
          if (named !== undefined && !IDENT.test(named)) throw new Error(`not a plain SQL name: ${named}`);
          if (legacy && was !== undefined) return `${was} AS ${named ?? n}`;
          return named === undefined ? ref : `${ref} AS ${named}`;
        })
        .join(', '),
  };
}

/** A packed record kind: its number and its fields after the kind, in order. */
export interface RecordKind<K extends number, F extends readonly (readonly [string, Field])[]> {
  readonly kind: K;
  readonly fields: F;
  /** Field name -> position in the record tuple (the kind is position 0). */
  readonly at: Positions<[K, ...F]>;
}

/** Each field's name -> its position (a literal number) in a tuple [kind, ...fields]. */
type Positions<T extends readonly unknown[]> = {
  readonly [J in keyof T & `${number}` as T[J] extends readonly [infer N extends string, Field] ? N : never]: J extends `${infer X extends number}` ? X : never;
};

/** The record tuple of a kind: [kind, ...each field's value]. */
export type RecordOf<R> = R extends RecordKind<infer K, infer F> ? [K, ...{ -readonly [I in keyof F]: ValueOf<F[I][1]> }] : never;

export function defineRecord<const K extends number, const F extends readonly (readonly [string, Field])[]>(kind: K, fields: F): RecordKind<K, F> {
  const at: Record<string, number> = {};
  fields.forEach(([n], i) => {
    if (n in at) throw new Error(`field ${n} twice in record kind ${kind}`);
    at[n] = i + 1;
  });
  return { kind, fields, at: at as RecordKind<K, F>['at'] };
}

/** The fields of a table's columns, by name, for a record that carries them as they are stored. */
export function fieldsOf<C extends Columns, const N extends readonly (keyof C & string)[]>(
  t: Table<C>,
  names: N,
): { -readonly [I in keyof N]: readonly [N[I], C[N[I]]] } {
  return names.map((n) => [n, t.columns[n]] as const) as never;
}
