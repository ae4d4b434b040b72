/**
 * The run form of one demo: preset, one control per FieldSpec (grouped), seed, Run and Stop.
 * Values are checked as they are typed with the same rules the host applies.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { VscodeButton } from '@vscode-elements/elements/dist/vscode-button/vscode-button.js';
import type { VscodeCheckbox } from '@vscode-elements/elements/dist/vscode-checkbox/vscode-checkbox.js';
import type { VscodeSingleSelect } from '@vscode-elements/elements/dist/vscode-single-select/vscode-single-select.js';
import type { VscodeTextfield } from '@vscode-elements/elements/dist/vscode-textfield/vscode-textfield.js';
import type { ConfigValue, FieldSpec } from '../shared/catalog';
import type { DemoView } from '../shared/webviewProtocol';
import { clear, h } from './dom';
import { formatNumber, fromLog10, toLog10 } from './format';
import {
  displayValue,
  groupFields,
  isLogField,
  matchesPreset,
  parseFieldInput,
  sortErrors,
  validateForm,
  type DemoFormState,
  type FormErrors,
} from './formModel';

export interface DemoFormEvents {
  /** The form's state changed (persist it). */
  change(state: DemoFormState): void;
  /** Run was pressed with a config that passed the local checks. */
  run(request: { preset: string; config: Record<string, ConfigValue>; seed: number }): void;
  /** Run Seeds… was pressed with a config that passed the local checks (the host asks for the seeds). */
  runSeeds(request: { preset: string; config: Record<string, ConfigValue> }): void;
  stop(): void;
  /** Ask the host for its checks (including cross-field ones) on a locally valid config. */
  validate(config: Record<string, ConfigValue>): void;
}

interface FieldControl {
  readonly field: FieldSpec;
  read(): string | boolean;
  write(value: ConfigValue | undefined): void;
  readonly error: HTMLElement;
  setInvalid(invalid: boolean): void;
}

const MAX_SEED = 2147483647;

function option(value: string, label: string, selected: boolean): HTMLElement {
  const opt = h('vscode-option', { value, selected }, label);
  return opt;
}

export class DemoForm {
  readonly element: HTMLElement;
  private readonly controls: FieldControl[] = [];
  private readonly presetSelect: VscodeSingleSelect;
  private readonly presetState: HTMLElement;
  /** What a run of the chosen preset shows. */
  private readonly presetNote = h('p', { id: 'preset-note', class: 'field-help muted' });
  private readonly seedField: VscodeTextfield;
  private readonly seedError: HTMLElement;
  private readonly generalErrors: HTMLElement;
  private readonly runButton: VscodeButton;
  private readonly stopButton: VscodeButton;
  private readonly seedsButton: VscodeButton;
  private preset: string;
  private validateTimer: number | undefined;
  private running = false;

  constructor(
    private readonly demo: DemoView,
    initial: DemoFormState | undefined,
    defaultSeed: number,
    private readonly events: DemoFormEvents,
  ) {
    const presetNames = Object.keys(demo.presets);
    this.preset =
      initial && presetNames.includes(initial.preset)
        ? initial.preset
        : presetNames.includes('quick')
          ? 'quick'
          : (presetNames[0] ?? '');
    const values: Readonly<Record<string, ConfigValue>> = initial?.values ?? demo.presets[this.preset] ?? {};

    this.presetSelect = h('vscode-single-select', { id: 'preset-select', 'aria-label': 'Preset' });
    for (const name of presetNames) this.presetSelect.appendChild(option(name, name, name === this.preset));
    this.presetSelect.addEventListener('change', () => this.applyPreset(this.presetSelect.value));
    this.presetState = h('span', { class: 'preset-state muted', 'aria-live': 'polite' });

    const groups = groupFields(demo.fields).map(({ group, fields }) => {
      const rows = fields.map((f) => this.fieldRow(f, values[f.key]));
      return group === null
        ? h('div', { class: 'field-group' }, ...rows)
        : h('fieldset', { class: 'field-group' }, h('legend', {}, group), ...rows);
    });

    this.seedField = h('vscode-textfield', {
      id: 'seed-input',
      type: 'number',
      min: 0,
      max: MAX_SEED,
      step: 1,
      value: String(initial?.seed ?? defaultSeed),
    });
    this.seedError = h('p', { class: 'field-error config-error', hidden: true, role: 'alert' });
    this.seedField.addEventListener('input', () => {
      this.checkSeed();
      this.changed();
    });

    this.generalErrors = h('div', { class: 'config-errors', role: 'alert' });
    this.runButton = h('vscode-button', { id: 'run-button', title: 'Train with this configuration' }, 'Run');
    this.stopButton = h(
      'vscode-button',
      { id: 'stop-button', secondary: true, disabled: true, title: 'Stop the running demo' },
      'Stop',
    );
    this.seedsButton = h(
      'vscode-button',
      {
        id: 'seeds-button',
        secondary: true,
        title: 'Train this configuration at several seeds in turn, then show them together with a band',
      },
      'Run Seeds…',
    );
    this.seedsButton.addEventListener('click', () => this.onRun(true));
    this.runButton.addEventListener('click', () => this.onRun());
    this.stopButton.addEventListener('click', () => {
      if (this.running) this.events.stop();
    });

    this.element = h(
      'form',
      { class: 'demo-form', 'aria-label': `Configuration of ${demo.title}`, novalidate: true },
      h(
        'div',
        { class: 'field-row preset-row' },
        h('label', { for: 'preset-select', class: 'field-label' }, 'Preset'),
        h('div', { class: 'field-control' }, this.presetSelect, this.presetState),
        this.presetNote,
      ),
      ...groups,
      h(
        'div',
        { class: 'field-group' },
        h(
          'div',
          { class: 'field-row' },
          h('label', { for: 'seed-input', class: 'field-label' }, 'Seed'),
          h('div', { class: 'field-control' }, this.seedField),
          h(
            'p',
            { class: 'field-help muted' },
            'Seeds the data, sampling and initial weights; the same seed gives the same run.',
          ),
          this.seedError,
        ),
      ),
      this.generalErrors,
      h('div', { class: 'buttons' }, this.runButton, this.seedsButton, this.stopButton),
    );
    this.element.addEventListener('submit', (e) => {
      e.preventDefault();
      this.onRun();
    });
    this.updatePresetState();
    for (const c of this.controls) this.checkControl(c);
  }

  private fieldRow(field: FieldSpec, value: ConfigValue | undefined): HTMLElement {
    const id = `field-${field.key.replace(/[^A-Za-z0-9_-]/g, '-')}`;
    const error = h('p', { class: 'field-error config-error', hidden: true, role: 'alert', id: `${id}-error` });
    const unit = field.kind === 'number' || field.kind === 'int' ? field.unit : undefined;
    const labelText =
      unit && unit.toLowerCase() !== field.label.toLowerCase() ? `${field.label} (${unit})` : field.label;
    let control: FieldControl;
    let input: HTMLElement;

    switch (field.kind) {
      case 'boolean': {
        const box: VscodeCheckbox = h('vscode-checkbox', { id, checked: value === true, label: field.label });
        box.addEventListener('change', () => this.onFieldInput(control));
        input = box;
        control = {
          field,
          error,
          read: () => box.checked,
          write: (v) => {
            box.checked = v === true;
          },
          setInvalid: () => undefined,
        };
        break;
      }
      case 'enum': {
        // The select learns its value from its options only once they are slotted, so the form keeps its own copy.
        let current = typeof value === 'string' ? value : (field.options[0] ?? '');
        const select: VscodeSingleSelect = h('vscode-single-select', { id });
        for (const o of field.options) select.appendChild(option(o, o, o === current));
        select.addEventListener('change', () => {
          current = select.value;
          this.onFieldInput(control);
        });
        input = select;
        control = {
          field,
          error,
          read: () => current,
          write: (v) => {
            current = String(v ?? '');
            select.value = current;
          },
          setInvalid: () => undefined,
        };
        break;
      }
      case 'int':
      case 'number': {
        const text: VscodeTextfield = h('vscode-textfield', {
          id,
          value: displayValue(field, value),
          inputmode: field.kind === 'int' ? 'numeric' : 'decimal',
          'aria-describedby': `${id}-help ${id}-error`,
        });
        let syncSlider = (): void => undefined;
        text.addEventListener('input', () => {
          syncSlider();
          this.onFieldInput(control);
        });
        if (isLogField(field)) {
          const slider = h('input', {
            type: 'range',
            class: 'log-slider',
            min: toLog10(field.min),
            max: toLog10(field.max),
            step: 0.05,
            'aria-label': `${field.label}, log10 scale`,
          });
          syncSlider = (): void => {
            const v = Number(text.value);
            if (Number.isFinite(v) && v > 0) slider.value = String(toLog10(v));
          };
          slider.addEventListener('input', () => {
            text.value = displayValue(field, fromLog10(Number(slider.value)));
            this.onFieldInput(control);
          });
          input = h('div', { class: 'log-control' }, slider, text);
          queueMicrotask(syncSlider);
        } else {
          input = text;
        }
        control = {
          field,
          error,
          read: () => text.value,
          write: (v) => {
            text.value = displayValue(field, v);
            syncSlider();
          },
          setInvalid: (invalid) => {
            text.invalid = invalid;
          },
        };
        break;
      }
    }
    this.controls.push(control);
    const range =
      field.kind === 'number' || field.kind === 'int'
        ? ` Range ${formatNumber(field.min)} to ${formatNumber(field.max)}${field.kind === 'int' ? ', integer' : ''}${
            isLogField(field) ? '; the slider moves in powers of ten' : ''
          }.`
        : '';
    return h(
      'div',
      { class: 'field-row', 'data-field': field.key },
      field.kind === 'boolean'
        ? h('span', { class: 'field-label' }, '')
        : h('label', { for: id, class: 'field-label' }, labelText),
      h('div', { class: 'field-control' }, input),
      h('p', { class: 'field-help muted', id: `${id}-help` }, `${field.description}${range}`),
      error,
    );
  }

  private onFieldInput(control: FieldControl): void {
    this.checkControl(control);
    this.updatePresetState();
    this.changed();
  }

  private checkControl(control: FieldControl): boolean {
    const parsed = parseFieldInput(control.field, control.read());
    this.setFieldErrors(control, parsed.error ? [parsed.error] : []);
    return parsed.error === null;
  }

  private setFieldErrors(control: FieldControl, errors: readonly string[]): void {
    control.error.textContent = errors.join(' ');
    control.error.hidden = errors.length === 0;
    control.setInvalid(errors.length > 0);
  }

  private checkSeed(): number | null {
    const seed = Number(this.seedField.value);
    const ok = this.seedField.value.trim() !== '' && Number.isInteger(seed) && seed >= 0 && seed <= MAX_SEED;
    this.seedError.textContent = ok
      ? ''
      : `seed: must be an integer from 0 to ${MAX_SEED} (got ${JSON.stringify(this.seedField.value)})`;
    this.seedError.hidden = ok;
    this.seedField.invalid = !ok;
    return ok ? seed : null;
  }

  private values(): Record<string, ConfigValue> {
    const values: Record<string, ConfigValue> = {};
    for (const c of this.controls) values[c.field.key] = parseFieldInput(c.field, c.read()).value;
    return values;
  }

  state(): DemoFormState {
    const seed = Number(this.seedField.value);
    return { preset: this.preset, values: this.values(), seed: Number.isInteger(seed) && seed >= 0 ? seed : 0 };
  }

  private changed(): void {
    this.events.change(this.state());
    window.clearTimeout(this.validateTimer);
    this.validateTimer = window.setTimeout(() => {
      const local = validateForm(this.demo, this.values());
      if (local.ok) this.events.validate(this.values());
    }, 400);
  }

  private applyPreset(name: string): void {
    const preset = this.demo.presets[name];
    if (!preset) return;
    this.preset = name;
    for (const c of this.controls) {
      c.write(preset[c.field.key]);
      this.checkControl(c);
    }
    this.showErrors(sortErrors([], []));
    this.updatePresetState();
    this.changed();
  }

  private updatePresetState(): void {
    const edited = !matchesPreset(this.values(), this.demo.presets[this.preset]);
    this.presetState.textContent = edited ? 'edited' : '';
    this.presetNote.textContent = this.demo.presetNotes?.[this.preset] ?? '';
  }

  /** Starts a run with the form's values, or shows why it cannot (as the form's Run button does). */
  requestRun(): void {
    this.onRun();
  }

  /** The preset the form holds, "quick" or "quick, edited". */
  presetLabel(): string {
    return matchesPreset(this.values(), this.demo.presets[this.preset]) ? this.preset : `${this.preset}, edited`;
  }

  private onRun(seeds = false): void {
    if (this.running) return;
    const seed = seeds ? 0 : this.checkSeed();
    const values = this.values();
    const errors = validateForm(this.demo, values);
    this.showErrors(errors);
    if (!errors.ok || seed === null) {
      this.element.querySelector<HTMLElement>('.config-error:not([hidden])')?.scrollIntoView({ block: 'center' });
      return;
    }
    if (seeds) this.events.runSeeds({ preset: this.preset, config: values });
    else this.events.run({ preset: this.preset, config: values, seed });
  }

  /** Shows errors (from the local checks or the host) next to their fields and above the buttons. */
  showErrors(errors: FormErrors): void {
    for (const c of this.controls) this.setFieldErrors(c, errors.byField.get(c.field.key) ?? []);
    clear(this.generalErrors);
    for (const message of errors.general) this.generalErrors.appendChild(h('p', { class: 'config-error' }, message));
  }

  showHostErrors(errors: readonly string[]): void {
    this.showErrors(
      sortErrors(
        errors,
        this.demo.fields.map((f) => f.key),
      ),
    );
  }

  setRunning(running: boolean): void {
    this.running = running;
    this.runButton.disabled = running;
    this.seedsButton.disabled = running;
    this.stopButton.disabled = !running;
  }

  dispose(): void {
    window.clearTimeout(this.validateTimer);
  }
}
