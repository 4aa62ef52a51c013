export class ApprovalNotFoundError extends Error {
  override name = 'ApprovalNotFoundError';
  constructor(readonly id: string) {
    super(`no approval request ${id}`);
  }
}
