/// <reference types="node" />

export { contentDecrypt } from './content-decrypt.js';
export {
  type EncryptMimeStreamOptions,
  encryptMimeStream,
} from './encrypt-mime-stream.js';
export { rsaRawDecrypt } from './rsa-raw-decrypt.js';
