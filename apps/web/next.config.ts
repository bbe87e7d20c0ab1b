import type { NextConfig } from "next";
import { buildEnv } from "./src/env.ts";

// Validates NEXT_PUBLIC_* at build time: a bad value stops `next build` naming the variable.
buildEnv();

/**
 * A static export (docs/decisions/0010): the dashboard is a client-rendered SPA in `out/`, served
 * by custos-server at `/` self-hosted, or by any static host in the cloud. No server features.
 */
const config: NextConfig = {
  output: "export",
  reactStrictMode: true,
  poweredByHeader: false,
  images: { unoptimized: true },
  // the protocol package ships TypeScript sources with `.ts` imports
  transpilePackages: ["@custos/protocol"],
  devIndicators: false,
};

export default config;
