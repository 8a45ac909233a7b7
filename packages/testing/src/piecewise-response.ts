/** A response whose body arrives in the given pieces, one read each; `cancelled` says whether a reader cancelled it. */
export function piecewiseResponse(...pieces: string[]): { response: Response; cancelled: Promise<boolean> } {
  let settle!: (cancelled: boolean) => void;
  const cancelled = new Promise<boolean>((resolve) => (settle = resolve));
  const encoder = new TextEncoder();
  let index = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (index < pieces.length) controller.enqueue(encoder.encode(pieces[index++]!));
      else {
        controller.close();
        settle(false);
      }
    },
    cancel: () => settle(true),
  });
  return { response: new Response(body), cancelled };
}
