import type { Room } from "../../server/rooms/model";
import type { ReqCtx } from "../../server/http/context";
import { LiveBadge } from "./live-badge";


export function RoomCard({ ctx, room }: { ctx: ReqCtx; room: Room }): JSX.Element {
  const thumb = room.coverPath ? `/covers/${room.coverPath}` : null;
  const poster = room.liveSince ? `/live/${room.slug}/poster.jpg` : null;
  const bg = [poster, thumb].filter(Boolean).map((u) => `url('${u}')`).join(", ");
  return (
    <a class="room-card" href={`/r/${room.slug}`} data-slug={room.slug}>
      <div class="thumb" style={bg ? `background-image:${bg}` : ""}>
        <LiveBadge live={!!room.liveSince} t={ctx.t} />
      </div>
      <div class="body">
        <div class="title" safe>{room.title}</div>
        <div class="muted" safe>{room.ownerName}</div>
      </div>
    </a>
  );
}
