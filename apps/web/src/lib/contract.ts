/**
 * The dashboard API's types, from the zod contract in packages/protocol (type-only: no zod in
 * the browser bundle). Everything the app sends and receives is typed from here.
 */
export type * from "@custos/protocol/dashboard";
export type * from "@custos/protocol/probe-config";
