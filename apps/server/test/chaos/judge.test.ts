import type { WebhookPayload } from "@custos/protocol";
import { describe, expect, it } from "vitest";
import { readPage } from "./judge.ts";

const common = {
  text: "details",
  incident_key: "srv-1:http:api:2026-05-01T10:00:00.000Z",
  started_at: "2026-05-01T10:00:00.000Z",
  duration_seconds: null,
  duration: null,
  ack_url: "https://custos.example/functions/v1/api/ack/a1.x.y",
  sent_at: "2026-05-01T10:00:30.000Z",
};
const incident = {
  id: "0b6f1c9e-6c1d-4f5e-9a51-3b8d2c7e9f10",
  subject_key: "server:srv-1",
  title: "web-1",
  cause: null,
  opened_at: "2026-05-01T10:00:00.000Z",
  resolved_at: null,
  duration_seconds: null,
};
const read = (payload: WebhookPayload | string) =>
  readPage({
    at: 1,
    channel: "backend",
    path: "/hook",
    status: 200,
    body: typeof payload === "string" ? payload : JSON.stringify(payload),
  });

describe("the chaos judge reading webhook pages", () => {
  it("reads a backend heartbeat page as the server's, in capitals", () => {
    const page = read({
      ...common,
      source: "backend",
      event: "down",
      title: "DOWN: web-1",
      server: { id: "srv-1", name: "web-1" },
      monitor: null,
      incident: { ...incident, kind: "heartbeat", server: { id: "srv-1", name: "web-1" }, monitor: null },
    });
    expect(page).toMatchObject({ sender: "backend", subject: "server:web-1", state: "DOWN" });
    expect(page.ackUrl).toBe(common.ack_url);
  });

  it("reads a backend check page and the agent's page of the same check as one subject", () => {
    const backend = read({
      ...common,
      source: "backend",
      event: "restored",
      title: "RESTORED: http:api",
      server: { id: "srv-1", name: "web-1" },
      monitor: "http:api",
      incident: { ...incident, kind: "agent_check" },
    });
    const agent = read({
      ...common,
      source: "agent",
      event: "restored",
      title: "RESTORED: http:api on web-1",
      server: { id: "srv-1", name: "web-1" },
      monitor: "http:api",
    });
    expect(backend).toMatchObject({
      sender: "backend",
      subject: "monitor:web-1/http:api",
      state: "RESTORED",
    });
    expect(agent).toMatchObject({ sender: "agent", subject: "monitor:web-1/http:api", state: "RESTORED" });
  });

  it("reads the agent's own backend-unreachable page as the backend link's", () => {
    const page = read({
      ...common,
      source: "agent",
      event: "backend_unreachable",
      title: "Custos backend unreachable from web-1",
      server: { id: null, name: "web-1" },
      monitor: "custos-backend",
      ack_url: null,
    });
    expect(page).toMatchObject({ sender: "agent", subject: "backend-link:web-1", state: "UNREACHABLE" });
    expect(page.ackUrl).toBeNull();
  });

  it("leaves a body that is not a webhook payload unknown", () => {
    expect(read("<html>not json</html>")).toMatchObject({
      subject: "unknown",
      state: "UNKNOWN",
      ackUrl: null,
    });
  });
});
