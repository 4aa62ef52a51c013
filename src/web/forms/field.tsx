import type { Child } from 'hono/jsx';
import type { FieldErrors } from './form-fields.js';

/** A labelled form field with its hint and, beside it, its error (linked for screen readers). */
export function Field(props: { name: string; label: string; errors: FieldErrors; hint?: string; children: Child }) {
  const error = props.errors[props.name];
  const id = `f-${props.name.replaceAll('.', '-')}`;
  return (
    <div class={error ? 'field invalid' : 'field'} data-field={props.name}>
      <label for={id}>{props.label}</label>
      {props.children}
      {props.hint ? <div class="hint muted">{props.hint}</div> : null}
      {error ? (
        <div class="error" id={`${id}-error`} role="alert" data-error-for={props.name}>
          {error}
        </div>
      ) : null}
    </div>
  );
}

/** The id and aria attributes of a field's control, matching `Field`. */
export const control = (name: string, errors: FieldErrors) => ({
  id: `f-${name.replaceAll('.', '-')}`,
  name,
  'aria-invalid': errors[name] ? 'true' : undefined,
  'aria-describedby': errors[name] ? `f-${name.replaceAll('.', '-')}-error` : undefined,
});

/** Errors that belong to no one field, at the top of the form. */
export function FormErrors(props: { errors: FieldErrors }) {
  const count = Object.keys(props.errors).length;
  if (count === 0) return null;
  return (
    <div class="card error" role="alert" data-testid="form-errors">
      {count === 1 ? 'One field needs attention.' : `${count} fields need attention.`} {props.errors._form ?? ''}
    </div>
  );
}
