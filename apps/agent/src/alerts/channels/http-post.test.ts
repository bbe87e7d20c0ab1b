import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type RecordedRequest,
  type RecordingServer,
  startRecordingServer,
} from "../../../test/helpers/sinks.ts";
import { AGENT_VERSION } from "../../version.ts";
import { postOrThrow } from "./http-post.ts";

let sink: RecordingServer;
let base: string;
let received: RecordedRequest[];

beforeAll(async () => {
  sink = await startRecordingServer((req, res) => {
    if (req.url === "/hook") return void res.writeHead(200).end("ok ".repeat(100_000));
    if (req.url === "/moved") return void res.writeHead(308, { location: "/hook" }).end();
    if (req.url === "/hang") return;
    res.writeHead(500, { "content-type": "text/html" }).end("<p>receiver\n  failed</p>");
  });
  base = sink.url;
  received = sink.received;
});

afterAll(() => sink.close());

const post = (path: string, headers: Record<string, string> = {}, signal = AbortSignal.timeout(5_000)) =>
  postOrThrow(
    `${base}${path}`,
    { body: '{"text":"down"}', headers: { "content-type": "application/json", ...headers } },
    signal,
  );

describe("a channel's HTTP POST", () => {
  it("delivers the body with custos-agent/<version> as the user agent", async () => {
    await post("/hook");
    expect(received.at(-1)).toMatchObject({ url: "/hook", body: '{"text":"down"}' });
    expect(received.at(-1)?.headers["user-agent"]).toBe(`custos-agent/${AGENT_VERSION}`);
    expect(received.at(-1)?.headers["content-type"]).toBe("application/json");
  });

  it("lets the channel's own headers name another user agent", async () => {
    await post("/hook", { "User-Agent": "my-receiver-wants-this" });
    expect(received.at(-1)?.headers["user-agent"]).toBe("my-receiver-wants-this");
  });

  it("follows a redirect that keeps the method, like fetch did", async () => {
    await post("/moved");
    expect(received.slice(-2).map((r) => [r.url, r.body])).toEqual([
      ["/moved", '{"text":"down"}'],
      ["/hook", '{"text":"down"}'],
    ]);
  });

  it("fails with the status and the start of the answer when the receiver refuses", async () => {
    await expect(post("/fail")).rejects.toThrow(/^HTTP 500: <p>receiver failed<\/p>$/);
  });

  it("fails when the delivery's signal ends first", async () => {
    await expect(post("/hang", {}, AbortSignal.timeout(100))).rejects.toThrow(/aborted due to timeout/);
  });
});
