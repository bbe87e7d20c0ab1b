/**
 * The install and register commands. Built by the same code as the API's `install_command`
 * (@custos/protocol/install), so the fallback here has the same shape as the API's answer.
 */
export { installCommand, isLoopbackUrl, registerCommand, shellQuote } from "@custos/protocol/install";
