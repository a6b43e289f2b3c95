import type { Room } from "../../server/rooms/model";
import type { ReqCtx } from "../../server/http/context";


export function RoomCard({ ctx, room }: { ctx: ReqCtx; room: Room }): JSX.Element {
  const thumb = room.coverPath ? `/covers/${room.coverPath}` : null;
  const poster = room.liveSince ? `/live/${room.slug}/poster.jpg` : null;
  const bg = [poster, thumb].filter(Boolean).map((u) => `url('${u}')`).join(", ");
  return (
    <a class="room-card" href={`/r/${room.slug}`} data-slug={room.slug}>
      <div class="thumb" style={bg ? `background-image:${bg}` : ""}>
        {room.liveSince ? <span class="badge live" safe>{ctx.t("room.live")}</span> : <span class="badge" safe>{ctx.t("room.offline")}</span>}
      </div>
      <div class="body">
        <div class="title" safe>{room.title}</div>
        <div class="muted" safe>{room.ownerName}</div>
      </div>
    </a>
  );
}
