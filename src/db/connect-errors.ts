/** Postgres could not be used at start; the message is one line saying what to do. */
export class DatabaseUnavailableError extends Error {
  override name = 'DatabaseUnavailableError';
}

/** A connection string safe to print: the password is replaced. */
export function safeDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(an unparsable DATABASE_URL)';
  }
}

/** Turns the error of a first connection into a sentence naming the URL (password hidden) and the remedy. */
export function describeConnectError(url: string, error: unknown): DatabaseUnavailableError {
  const shown = safeDatabaseUrl(url);
  const e = error as { code?: string; message?: string };
  const database = (() => {
    try {
      return decodeURIComponent(new URL(url).pathname.slice(1)) || 'the database';
    } catch {
      return 'the database';
    }
  })();
  switch (e.code) {
    case '3D000':
      return new DatabaseUnavailableError(`Postgres at ${shown} has no database "${database}": create it (createdb ${database}) or fix DATABASE_URL`);
    case '28P01':
    case '28000':
      return new DatabaseUnavailableError(`Postgres at ${shown} refused the login (${e.message}): fix the user or password in DATABASE_URL`);
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
      return new DatabaseUnavailableError(`Postgres is not reachable at ${shown} (${e.code}): start Postgres, or set DATABASE_URL to one that runs`);
    default:
      return new DatabaseUnavailableError(`Postgres at ${shown} could not be used: ${e.message ?? String(error)}; check DATABASE_URL`);
  }
}
