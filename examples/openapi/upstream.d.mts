export interface Upstream {
  url: string;
  port: number;
  state: { users: any[]; posts: any[]; nextPostId: number };
  close(): Promise<void>;
}
export function startUpstream(options?: { port?: number; host?: string; token?: string }): Promise<Upstream>;
