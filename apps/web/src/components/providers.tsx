"use client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";
import { ApiError } from "@/lib/api.ts";
import { AuthProvider } from "@/lib/auth/auth-provider.tsx";
import { startEarlyRequests } from "@/lib/early-requests.ts";

function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 10_000,
        gcTime: 5 * 60_000,
        refetchOnWindowFocus: true,
        // a 4xx will not change by asking again; network and 5xx get two more tries
        retry: (failures, error) =>
          !(error instanceof ApiError && error.status >= 400 && error.status < 500) && failures < 2,
      },
      mutations: { retry: false },
    },
  });
}

let browserClient: QueryClient | undefined;

/**
 * A fresh client per prerender; in the browser one per page load, created when this module loads
 * so that the early requests (config, session, /v1/me, the page's data) start before React
 * renders, into the cache the pages then read (lib/early-requests.ts).
 */
function queryClient(): QueryClient {
  if (typeof window === "undefined") return makeQueryClient();
  if (!browserClient) {
    browserClient = makeQueryClient();
    startEarlyRequests(browserClient);
  }
  return browserClient;
}
if (typeof window !== "undefined") queryClient();

export function Providers({ children }: { children: ReactNode }) {
  const [client] = useState(queryClient);
  return (
    <QueryClientProvider client={client}>
      <AuthProvider>{children}</AuthProvider>
    </QueryClientProvider>
  );
}
