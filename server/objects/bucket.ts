// The bucket, through Bun's built-in S3 client (S3-compatible: AWS, MinIO, R2, Garage, s3rver in tests).
import { S3Client } from "bun";
import type { Config } from "../config";

export interface Bucket {
  put(key: string, path: string, type: string): Promise<void>;
  /** The object's size, or null when it does not exist. */
  size(key: string): Promise<number | null>;
  /** Deletes every object under the prefix; returns how many. */
  removeAll(prefix: string): Promise<number>;
  presign(key: string, expiresInSeconds: number): string;
}

export function s3Bucket(config: Pick<Config, "s3Endpoint" | "s3Bucket" | "s3AccessKey" | "s3SecretKey" | "s3Region">): Bucket {
  const client = new S3Client({
    endpoint: config.s3Endpoint, bucket: config.s3Bucket, accessKeyId: config.s3AccessKey, secretAccessKey: config.s3SecretKey, region: config.s3Region,
  });
  return {
    async put(key, path, type) {
      await client.write(key, Bun.file(path), { type });
    },
    async size(key) {
      try {
        return (await client.stat(key)).size;
      } catch (err) {
        // A missing object is an answer; anything else (network, credentials) is a failure to retry.
        if (err instanceof Error && "code" in err && (err.code === "NoSuchKey" || err.code === "NotFound")) return null;
        throw err;
      }
    },
    async removeAll(prefix) {
      let n = 0;
      for (let i = 0; i < 1000; i++) {
        const page = await client.list({ prefix, maxKeys: 1000 });
        const keys = (page.contents ?? []).map((o) => o.key);
        if (!keys.length) break;
        for (const key of keys) await client.delete(key);
        n += keys.length;
      }
      return n;
    },
    presign(key, expiresInSeconds) {
      return client.presign(key, { method: "GET", expiresIn: expiresInSeconds });
    },
  };
}
