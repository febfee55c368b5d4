/**
 * Model output, observations, rationales and notes are untrusted text: they are rendered only as
 * React text children (escaped), never as HTML, whatever markup they contain.
 */

/** A block of untrusted text, whitespace kept. */
export function TextBlock({ text, className }: { text: string; className?: string }) {
  return <pre className={className === undefined ? 'text' : `text ${className}`}>{text}</pre>;
}

/** Untrusted text cut to `length` characters for a table cell (the full text in a tooltip). */
export function ShortText({ text, length = 80 }: { text: string; length?: number }) {
  const short = text.length > length ? `${text.slice(0, length)}…` : text;
  return (
    <span className="short-text" title={text}>
      {short}
    </span>
  );
}
