import type { Sql, TransactionSql } from "postgres";

type Db = Sql | TransactionSql;

export interface UserRow {
  id: string;
  aud: string | null;
  role: string | null;
  email: string | null;
  encrypted_password: string | null;
  email_confirmed_at: Date | null;
  last_sign_in_at: Date | null;
  raw_app_meta_data: Record<string, unknown> | null;
  raw_user_meta_data: Record<string, unknown> | null;
  created_at: Date | null;
  updated_at: Date | null;
  banned_until: Date | null;
  deleted_at: Date | null;
  is_anonymous: boolean;
}

const COLUMNS = [
  "id",
  "aud",
  "role",
  "email",
  "encrypted_password",
  "email_confirmed_at",
  "last_sign_in_at",
  "raw_app_meta_data",
  "raw_user_meta_data",
  "created_at",
  "updated_at",
  "banned_until",
  "deleted_at",
  "is_anonymous",
];

/** What GoTrue stores for an email/password user. */
export const EMAIL_APP_METADATA = { provider: "email", providers: ["email"] };

export async function insertUser(
  db: Db,
  user: { email: string; passwordHash: string; metadata: Record<string, unknown>; at: Date },
): Promise<UserRow | undefined> {
  // on conflict: the unique index on email (non-anonymous users) answers "already registered"
  // without an error, also when two sign-ups for one email race
  const rows = await db<UserRow[]>`
    insert into auth.users (
      id, aud, role, email, encrypted_password, email_confirmed_at, last_sign_in_at,
      raw_app_meta_data, raw_user_meta_data, created_at, updated_at, is_anonymous
    ) values (
      gen_random_uuid(), 'authenticated', 'authenticated', ${user.email}, ${user.passwordHash},
      ${user.at}, ${user.at}, ${db.json(EMAIL_APP_METADATA)}, ${db.json(user.metadata as never)},
      ${user.at}, ${user.at}, false
    )
    on conflict (email) where is_anonymous = false do nothing
    returning ${db(COLUMNS)}`;
  return rows[0];
}

export async function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  const rows = await db<UserRow[]>`
    select ${db(COLUMNS)} from auth.users where email = ${email} and is_anonymous = false`;
  return rows[0];
}

export async function findUserById(db: Db, id: string): Promise<UserRow | undefined> {
  const rows = await db<UserRow[]>`select ${db(COLUMNS)} from auth.users where id = ${id}`;
  return rows[0];
}

export async function touchLastSignIn(db: Db, id: string, at: Date): Promise<UserRow | undefined> {
  const rows = await db<UserRow[]>`
    update auth.users set last_sign_in_at = ${at}, updated_at = ${at} where id = ${id} returning ${db(COLUMNS)}`;
  return rows[0];
}

/** A user who may not sign in or refresh: deleted, or banned until later. */
export function userBlocked(user: UserRow, now: number): "deleted" | "banned" | undefined {
  if (user.deleted_at) return "deleted";
  if (user.banned_until && user.banned_until.getTime() > now) return "banned";
  return undefined;
}

/** The user object of GoTrue's JSON (what supabase-js returns as `data.user`). */
export function userJson(user: UserRow) {
  const iso = (d: Date | null) => d?.toISOString() ?? null;
  return {
    id: user.id,
    aud: user.aud ?? "authenticated",
    role: user.role ?? "authenticated",
    email: user.email ?? "",
    email_confirmed_at: iso(user.email_confirmed_at),
    phone: "",
    confirmed_at: iso(user.email_confirmed_at),
    last_sign_in_at: iso(user.last_sign_in_at),
    app_metadata: user.raw_app_meta_data ?? EMAIL_APP_METADATA,
    user_metadata: user.raw_user_meta_data ?? {},
    // custos-server keeps no auth.identities rows (email/password only)
    identities: [],
    created_at: iso(user.created_at),
    updated_at: iso(user.updated_at),
    is_anonymous: user.is_anonymous,
  };
}
export type UserJson = ReturnType<typeof userJson>;
