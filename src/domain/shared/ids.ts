import { keyLabelOfId, type KeyLabel } from "../../model/model.js";
import { ErrorCode, userError } from "./errors.js";

/** The label whose id constraint finds this id ("agency:x" -> Actor), or a BAD_USER_INPUT error. */
export function requireKeyLabel(id: string): KeyLabel {
  const label = keyLabelOfId(id);
  if (!label) throw userError(`"${id}" is not an id`, ErrorCode.BAD_USER_INPUT);
  return label;
}
