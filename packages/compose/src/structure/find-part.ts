/** Finds the entity of a part number from `mimeTree` ("1", "1.2", …) by walking the same way. */
import { entityContentType, type MimeEntity, parseEntity } from '../entity/mime-entity.js';
import { parseMultipart } from '../entity/multipart.js';

export function findPart(root: MimeEntity, part: string): MimeEntity | undefined {
  const steps = part.split('.').slice(1).map(Number);
  let entity: MimeEntity | undefined = root;
  for (const step of steps) {
    if (!entity) return undefined;
    const type = entityContentType(entity);
    if (type.type === 'multipart') {
      entity = parseMultipart(entity).parts[step - 1]?.entity;
    } else if (type.mediaType === 'message/rfc822' || type.mediaType === 'message/global') {
      entity = step === 1 ? parseEntity(entity.body) : undefined;
    } else {
      return undefined;
    }
  }
  return entity;
}
