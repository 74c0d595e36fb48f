export type MarkupNode =
  | { type: 'text'; text: string }
  | { type: 'code'; text: string }
  | { type: 'mention'; userId: string }
  | { type: 'bold' | 'italic'; children: MarkupNode[] };

export function parseMarkup(text: string): MarkupNode[];
