/// <reference types="node" />
export {
  type EncryptMimeStreamOptions,
  encryptMimeStream,
} from './encrypt-mime-stream.js';
export { rsaRawDecrypt } from './rsa-raw-decrypt.js';
export { contentDecrypt } from './content-decrypt.js';
