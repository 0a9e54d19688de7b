// The git server's public API (see server.ts for why it is built on git http-backend).
export { startGitServer, type GitServer, type GitServerOptions, type Changes, type CreateRepoOptions, type FileTransform, type Credentials } from './server';
export { notifyReceiver, receiverRequest, type ReceiverTarget, type ReceiverType, type PushEvent } from './receiver';
