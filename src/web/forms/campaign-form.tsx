import { MECHANISMS } from '../../campaigns/input.js';
import { TEMPLATE_VARIABLES } from '../../campaigns/template.js';
import { control, Field, FormErrors } from './field.js';
import type { FieldErrors, FormFields } from './form-fields.js';

/** Counts the audience and previews the message as the form changes (progressive: the form works without it). */
const FORM_SCRIPT = `
(() => {
  const form = document.querySelector('form[data-campaign-form]');
  if (!form) return;
  const showAudience = () => {
    const type = form.querySelector('input[name="audience.type"]:checked')?.value ?? 'segment';
    for (const el of form.querySelectorAll('[data-audience]')) el.hidden = el.dataset.audience !== type;
  };
  const refresh = async (path, target) => {
    const body = new FormData(form);
    body.delete('channel.secret');
    try {
      const res = await fetch(path, { method: 'POST', body });
      if (res.ok) document.getElementById(target).outerHTML = await res.text();
    } catch {}
  };
  let timer;
  const changed = (event) => {
    showAudience();
    clearTimeout(timer);
    const name = event?.target?.name ?? '';
    timer = setTimeout(() => {
      if (!name || name.startsWith('audience')) refresh('/dashboard/campaigns/new/audience-count', 'audience-count');
      refresh('/dashboard/campaigns/new/preview', 'template-preview');
    }, 250);
  };
  form.addEventListener('input', changed);
  form.addEventListener('change', changed);
  changed();
})();`;

export function CampaignForm(props: { values: FormFields; errors: FieldErrors; csrf: string; audienceCount: unknown; preview: unknown }) {
  const v = (name: string) => props.values[name] ?? '';
  const e = props.errors;
  const type = v('audience.type') || 'segment';
  return (
    <form method="post" action="/dashboard/campaigns/new" enctype="multipart/form-data" data-campaign-form novalidate>
      <input type="hidden" name="csrf" value={props.csrf} />
      <FormErrors errors={e} />
      <fieldset>
        <legend>Campaign</legend>
        <Field name="name" label="Name" errors={e}>
          <input type="text" {...control('name', e)} value={v('name')} maxlength={200} />
        </Field>
      </fieldset>
      <fieldset>
        <legend>Audience</legend>
        <div class="field" data-field="audience.type">
          <label>
            <input type="radio" name="audience.type" value="segment" checked={type === 'segment'} /> A segment (filters)
          </label>{' '}
          <label>
            <input type="radio" name="audience.type" value="list" checked={type === 'list'} /> A list of users
          </label>
          {e['audience.type'] ? <div class="error" data-error-for="audience.type">{e['audience.type']}</div> : null}
        </div>
        <div data-audience="segment" hidden={type !== 'segment'}>
          <Field name="audience.filters.plans" label="Plans" errors={e} hint="Tenant plans, comma-separated; blank: every plan.">
            <input type="text" {...control('audience.filters.plans', e)} value={v('audience.filters.plans')} placeholder="pro, enterprise" />
          </Field>
          <Field name="audience.filters.tenantIds" label="Tenant ids" errors={e} hint="Comma-separated; blank: every tenant.">
            <input type="text" {...control('audience.filters.tenantIds', e)} value={v('audience.filters.tenantIds')} />
          </Field>
          <Field name="audience.filters.userAttributes" label="User attributes" errors={e} hint="One key=value per line; users whose attributes contain all of them.">
            <textarea {...control('audience.filters.userAttributes', e)} rows={2}>
              {v('audience.filters.userAttributes')}
            </textarea>
          </Field>
        </div>
        <div data-audience="list" hidden={type !== 'list'}>
          <Field name="audience.userIds" label="User ids" errors={e} hint="One per line or comma-separated.">
            <textarea {...control('audience.userIds', e)} rows={3}>
              {v('audience.userIds')}
            </textarea>
          </Field>
          <Field name="audience.file" label="…or upload a list" errors={e} hint="A text file with one user id per line, or a CSV whose first column is the user id.">
            <input type="file" {...control('audience.file', e)} accept=".txt,.csv,text/plain,text/csv" />
          </Field>
        </div>
        {props.audienceCount as never}
      </fieldset>
      <fieldset>
        <legend>Message</legend>
        <Field name="template" label="Template" errors={e} hint={`Variables: ${TEMPLATE_VARIABLES.map((x) => `{{${x}}}`).join(' ')}`}>
          <textarea {...control('template', e)} rows={4} maxlength={4000}>
            {v('template')}
          </textarea>
        </Field>
        {props.preview as never}
      </fieldset>
      <fieldset>
        <legend>Reward</legend>
        <Field name="reward.mechanism" label="Mechanism" errors={e}>
          <select {...control('reward.mechanism', e)}>
            {MECHANISMS.map((m) => (
              <option value={m} selected={(v('reward.mechanism') || 'none') === m}>
                {m.replace('_', ' ')}
              </option>
            ))}
          </select>
        </Field>
        <Field name="reward.amount" label="Amount per recipient" errors={e}>
          <input type="number" {...control('reward.amount', e)} value={v('reward.amount') || '0'} min={0} step="any" />
        </Field>
      </fieldset>
      <fieldset>
        <legend>Channel</legend>
        <Field name="channel.url" label="Delivery URL" errors={e} hint="Flywheel POSTs each message (or a batch) here as JSON.">
          <input type="url" {...control('channel.url', e)} value={v('channel.url')} placeholder="https://notify.example.com/send" />
        </Field>
        <Field name="channel.mode" label="Mode" errors={e}>
          <select {...control('channel.mode', e)}>
            <option value="single" selected={v('channel.mode') !== 'batch'}>
              one request per message
            </option>
            <option value="batch" selected={v('channel.mode') === 'batch'}>
              batches of messages
            </option>
          </select>
        </Field>
        <Field name="channel.maxBatch" label="Max batch" errors={e} hint="Messages per request in batch mode; a delivery job carries this many (a large audience's, several times this many); default 100.">
          <input type="number" {...control('channel.maxBatch', e)} value={v('channel.maxBatch')} min={1} max={1000} placeholder="100" />
        </Field>
        <Field name="channel.timeoutMs" label="Timeout (ms)" errors={e} hint="Default 5000.">
          <input type="number" {...control('channel.timeoutMs', e)} value={v('channel.timeoutMs')} min={100} max={60000} placeholder="5000" />
        </Field>
        <Field name="channel.headers" label="Headers" errors={e} hint="One Name: value per line, sent with every request.">
          <textarea {...control('channel.headers', e)} rows={2}>
            {v('channel.headers')}
          </textarea>
        </Field>
        <Field
          name="channel.secret"
          label="Signing secret"
          errors={e}
          hint={`At least 16 characters. Each request is signed with it (x-flywheel-signature). It is stored write-only: never shown again${Object.keys(e).length ? ', and not sent back with this form: enter it again' : ''}.`}
        >
          <input type="password" {...control('channel.secret', e)} value="" autocomplete="new-password" />
        </Field>
      </fieldset>
      <fieldset>
        <legend>Sending</legend>
        <Field name="startAt" label="Start at (UTC, optional)" errors={e} hint="Blank: as soon as the launch is approved.">
          <input type="datetime-local" {...control('startAt', e)} value={v('startAt')} />
        </Field>
        <Field name="maxAttempts" label="Attempts per message" errors={e} hint="Default 5.">
          <input type="number" {...control('maxAttempts', e)} value={v('maxAttempts')} min={1} max={20} placeholder="5" />
        </Field>
      </fieldset>
      <p class="muted">Saving creates a draft. Its page shows the send plan within the downstream's capacity; launching it then goes through the policy, as the API's does.</p>
      <div class="actions">
        <button type="submit" data-action="create">
          Create draft
        </button>
        <a class="button secondary" href="/dashboard/campaigns">
          Cancel
        </a>
      </div>
      <script dangerouslySetInnerHTML={{ __html: FORM_SCRIPT }} />
    </form>
  );
}

/** How many users the audience selects now, or why it cannot be counted. */
export function AudienceCount(props: { count: number | null; error?: string }) {
  return (
    <p id="audience-count" data-testid="audience-count" aria-live="polite" class={props.error ? 'error' : props.count === 0 ? 'warn' : undefined}>
      {props.error ? props.error : props.count === null ? '' : props.count === 0 ? 'No user matches this audience.' : `${props.count.toLocaleString('en')} users match.`}
    </p>
  );
}
