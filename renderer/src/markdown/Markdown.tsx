import { Fragment, useMemo, type ReactNode } from 'react';
import { parseMarkdown, type Inline } from './markdown.js';

function inline(nodes: Inline[]): ReactNode {
  return nodes.map((n, i) => {
    switch (n.t) {
      case 'text':
        return <Fragment key={i}>{n.text}</Fragment>;
      case 'code':
        return <code key={i}>{n.text}</code>;
      case 'strong':
        return <strong key={i}>{inline(n.children)}</strong>;
      case 'em':
        return <em key={i}>{inline(n.children)}</em>;
      case 'link':
        return (
          <a key={i} href={n.href} target="_blank" rel="noreferrer noopener">
            {inline(n.children)}
          </a>
        );
    }
  });
}

/** Renders Markdown as React elements (no HTML injection). */
export function Markdown({ text, className }: { text: string; className?: string }) {
  const blocks = useMemo(() => parseMarkdown(text), [text]);
  return (
    <div className={className ? `markdown ${className}` : 'markdown'}>
      {blocks.map((b, i) => {
        switch (b.t) {
          case 'heading': {
            const Tag = (`h${Math.min(b.level + 1, 6)}`) as 'h2';
            return <Tag key={i}>{inline(b.children)}</Tag>;
          }
          case 'paragraph':
            return <p key={i}>{inline(b.children)}</p>;
          case 'quote':
            return <blockquote key={i}>{inline(b.children)}</blockquote>;
          case 'code':
            return (
              <pre key={i}>
                <code>{b.text}</code>
              </pre>
            );
          case 'list': {
            const List = b.ordered ? 'ol' : 'ul';
            return (
              <List key={i}>
                {b.items.map((item, j) => (
                  <li key={j}>{inline(item)}</li>
                ))}
              </List>
            );
          }
        }
      })}
    </div>
  );
}
