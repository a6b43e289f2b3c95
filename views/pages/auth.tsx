import type { ReqCtx } from "../../server/http/context";
import type { MessageKey } from "../../server/i18n";
import { Csrf, FieldError, Layout } from "../layout";

type Errors = { field: string; message: MessageKey }[];

export interface AuthFormProps {
  ctx: ReqCtx;
  kind: "setup" | "login" | "signup";
  values?: { username?: string; displayName?: string };
  errors?: Errors;
  /** A form-level message, already translated. */
  message?: string;
}

const ACTIONS = { setup: "/setup", login: "/login", signup: "/signup" } as const;

export function AuthForm({ ctx, kind, values = {}, errors = [], message }: AuthFormProps): JSX.Element {
  const { t } = ctx;
  const submit = kind === "setup" ? t("setup.submit") : kind === "login" ? t("auth.loginSubmit") : t("auth.signupSubmit");
  return (
    <form class="stack" id="auth-form" method="post" action={ACTIONS[kind]} hx-post={ACTIONS[kind]} hx-target="this" hx-swap="outerHTML">
      <Csrf ctx={ctx} />
      {message ? <p class="error" role="alert" safe>{message}</p> : ""}
      <label>
        <span safe>{t("auth.username")}</span>
        <input name="username" autocomplete="username" required maxlength="32" value={values.username ?? ""} />
        <FieldError ctx={ctx} errors={errors} field="username" />
      </label>
      {kind === "signup" ? (
        <label>
          <span safe>{t("auth.displayName")}</span>
          <input name="displayName" maxlength="50" value={values.displayName ?? ""} />
          <FieldError ctx={ctx} errors={errors} field="displayName" />
        </label>
      ) : ""}
      <label>
        <span safe>{t("auth.password")}</span>
        <input name="password" type="password" autocomplete={kind === "login" ? "current-password" : "new-password"} required maxlength="256" />
        <FieldError ctx={ctx} errors={errors} field="password" />
      </label>
      <button class="primary" type="submit" safe>{submit}</button>
    </form>
  );
}

export function AuthPage(props: AuthFormProps): JSX.Element {
  const { t } = props.ctx;
  const title = props.kind === "setup" ? t("setup.title") : props.kind === "login" ? t("auth.loginTitle") : t("auth.signupTitle");
  return (
    <Layout ctx={props.ctx} title={title}>
      <div class="card">
        <h1 safe>{title}</h1>
        {props.kind === "setup" ? <p class="muted" safe>{t("setup.intro")}</p> : ""}
        <AuthForm {...props} />
        {props.kind === "login" ? (
          <p class="muted">
            <span safe>{t("auth.noAccount")}</span> <a href="/signup" safe>{t("nav.signup")}</a>
          </p>
        ) : props.kind === "signup" ? (
          <p class="muted">
            <span safe>{t("auth.haveAccount")}</span> <a href="/login" safe>{t("nav.login")}</a>
          </p>
        ) : ""}
      </div>
    </Layout>
  );
}
