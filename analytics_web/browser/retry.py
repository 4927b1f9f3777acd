__pragma__("jsiter")
__pragma__("noalias", "name")
__pragma__("noalias", "isNaN")
__pragma__("noalias", "split")
__pragma__("noalias", "replace")
__pragma__("noalias", "pop")
__pragma__("noalias", "keys")
__pragma__("noalias", "type")

# When to try a request again and how long to wait: analytics-next's policy, as pure functions.

MAX_ATTEMPTS = 10
MAX_BACKOFF_MS = 60000
MAX_RETRY_AFTER_MS = 300000


def is_retryable(status):
    """Network errors (0), 5xx but 501/505/511, and 408/410/429/460."""
    if status == 0 or status == 408 or status == 410 or status == 429 or status == 460:
        return True
    return status >= 500 and status != 501 and status != 505 and status != 511


def backoff_ms(attempts, random=None):
    """0.5 s x 2^(n-1), at most 60 s, +-10% jitter (random: a number in [0, 1))."""
    base = Math.min(500 * Math.pow(2, attempts - 1), MAX_BACKOFF_MS)
    return base * (0.9 + (Math.random() if random is None else random) * 0.2)


def retry_after_ms(header, now):
    """A Retry-After header (seconds, or an HTTP date) as a wait in ms, at most 300 s; None when
    absent or unreadable."""
    if not header:
        return None
    seconds = Number(header)
    wait = seconds * 1000 if not isNaN(seconds) else Date.parse(header) - now
    return None if isNaN(wait) else Math.max(0, Math.min(wait, MAX_RETRY_AFTER_MS))


def retry_wait_ms(status, retry_after, attempts):
    """How long to wait before attempt attempts + 1: Retry-After on a 429, else backoff."""
    wait = retry_after_ms(retry_after, Date.now()) if status == 429 else None
    return wait if wait is not None else backoff_ms(attempts)
