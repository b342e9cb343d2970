/** A rectangle on screen, in pixels (top < bottom). */
export interface Box { left: number; right: number; top: number; bottom: number }

/** Whether two rectangles overlap (touching edges do not). */
export const boxesMeet = (a: Box, b: Box) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
