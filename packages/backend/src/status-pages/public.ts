import { type PublicStatusPage, StatusPageSlug } from "@custos/protocol";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import { AppError } from "../errors.ts";
import { parseInput } from "../http/body.ts";
import { presentStatusPage, StatusPageData } from "./present.ts";

export const PublicStatusPageInput = z.strictObject({ slug: StatusPageSlug });
export type PublicStatusPageInput = z.input<typeof PublicStatusPageInput>;

/**
 * The public page, for anyone. Runs as the `anon` role, which can read no table at all: the only
 * thing it may do is call published.status_page(slug), a security definer function that returns
 * what the page's owner chose to publish. 404 for an unknown or disabled slug.
 */
export async function getPublicStatusPage({
  ctx,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  input: PublicStatusPageInput;
}): Promise<PublicStatusPage> {
  const { slug } = parseInput(PublicStatusPageInput, input);
  const page = await ctx.sql.begin(async (tx) => {
    await tx`select set_config('role', 'anon', true), set_config('request.jwt.claims', '{"role":"anon"}', true)`;
    const [row] = await tx<{ page: unknown }[]>`select published.status_page(${slug}) as page`;
    return row?.page ?? null;
  });
  if (!page) throw new AppError("NOT_FOUND", `no status page "${slug}"`, { field: "slug" });
  return presentStatusPage(StatusPageData.parse(page));
}
