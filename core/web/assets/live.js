// Live updates: one EventSource on /api/events per page. The daemon says
// which parts of its state changed ("queue", "targets", "history",
// "dead_letters"); the page reloads only those. No polling: between events
// nothing is fetched.
export const ALL_TOPICS = ['queue', 'targets', 'history', 'dead_letters'];

// Calls onChange(Set of topics) for each change, and with every topic when
// the stream (re)connects (changes may have been missed meanwhile).
// onStatus('live' | 'reconnecting' | 'paused') tells the page how fresh it is.
// Returns a function that closes the stream.
export function follow(onChange, onStatus = () => {}) {
  let source = null;
  let retry = null;
  let closed = false;
  const open = () => {
    source = new EventSource('/api/events');
    source.addEventListener('open', () => {
      onStatus('live');
      onChange(new Set(ALL_TOPICS));
    });
    source.addEventListener('change', (event) => {
      try {
        onChange(new Set(JSON.parse(event.data).topics));
      } catch {
        onChange(new Set(ALL_TOPICS));
      }
    });
    source.addEventListener('error', () => {
      if (closed) return;
      if (source.readyState === EventSource.CLOSED) {
        // A refusal (too many streams, 503; a session that ended) is not retried by
        // EventSource itself: try again in a while.
        onStatus('paused');
        retry = setTimeout(open, 10000);
      } else {
        onStatus('reconnecting');
      }
    });
  };
  open();
  return () => {
    closed = true;
    clearTimeout(retry);
    source?.close();
  };
}

export function liveText(status) {
  return {
    live: 'Live',
    reconnecting: 'Reconnecting…',
    paused: 'Live updates paused; retrying',
  }[status] || '';
}
