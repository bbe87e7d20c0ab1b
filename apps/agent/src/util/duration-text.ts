/** The one duration writer lives in @custos/protocol (duration-text.ts); re-exported for the modules here that import it. */
export { formatDuration } from "@custos/protocol";
