"use client";
import { useState } from "react";
import { Button } from "./button.tsx";

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // http:// on a LAN address has no async clipboard: fall back to a selected textarea
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    let ok = false;
    try {
      ok = document.execCommand("copy");
    } catch {
      ok = false;
    }
    area.remove();
    return ok;
  }
}

export function CopyButton({ text, what }: { text: string; what?: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  return (
    <Button
      variant="secondary"
      size="sm"
      onClick={async () => {
        setState((await copyText(text)) ? "copied" : "failed");
        setTimeout(() => setState("idle"), 2000);
      }}
    >
      <span aria-live="polite">
        {state === "copied" ? "Copied" : state === "failed" ? "Select and copy" : "Copy"}
        {what ? <span className="sr-only"> {what}</span> : null}
      </span>
    </Button>
  );
}

/** A command or secret in a monospace box with a copy button; `label` names it for screen readers. */
export function CodeBlock({ text, label }: { text: string; label: string }) {
  return (
    <figure className="flex items-start gap-2 rounded-lg border border-gray-200 bg-gray-50 p-2 dark:border-gray-800 dark:bg-gray-950">
      <figcaption className="sr-only">{label}</figcaption>
      <code className="min-w-0 flex-1 break-all px-1 py-1 font-mono text-gray-800 text-sm dark:text-gray-200">
        {text}
      </code>
      <CopyButton text={text} what={label} />
    </figure>
  );
}
