// Back and Forward through the folders visited, as in a file manager: visiting a new
// folder drops the forward list; going back or forward moves one folder between them.

export function createHistory() {
  let back = [];
  let forward = [];
  return {
    /** Leave `from` for another folder. */
    visit(from) {
      back.push(from);
      forward = [];
    },
    /** The folder to show instead of `current`, or undefined. */
    back(current) {
      if (!back.length) return undefined;
      forward.push(current);
      return back.pop();
    },
    forward(current) {
      if (!forward.length) return undefined;
      back.push(current);
      return forward.pop();
    },
    canBack: () => back.length > 0,
    canForward: () => forward.length > 0,
    clear() {
      back = [];
      forward = [];
    },
  };
}
