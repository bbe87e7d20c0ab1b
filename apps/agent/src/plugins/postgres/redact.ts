/** Keeps the connection's secrets out of what the postgres plugin reports (error messages). */

/**
 * Removes the connection string, its password and any `scheme://user:password@` or
 * `password=...` it can find from a message.
 */
export function redactSecrets(message: string, connection: string): string {
  let text = message;
  const secrets = new Set<string>();
  secrets.add(connection);
  try {
    const url = new URL(connection);
    if (url.password) {
      secrets.add(url.password);
      secrets.add(decodeURIComponent(url.password));
    }
  } catch {
    const keyword = /password\s*=\s*('(?:[^'\\]|\\.)*'|\S+)/i.exec(connection);
    if (keyword?.[1]) secrets.add(keyword[1].replace(/^'|'$/g, ""));
  }
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret.length >= 3) text = text.split(secret).join("***");
  }
  return text
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@\s]*@/gi, "$1***@")
    .replace(/(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)/gi, "$1***");
}
