/** `TelemetryErrorBoundary`: records what a subtree throws while rendering, then shows a fallback. */

import { Component, type ErrorInfo, type ReactNode } from 'react';
import type { Telemetry } from '../api/types.js';
import { SpanStatusCode } from '../api/types.js';
import { thrownMessage } from '../runtime/diagnostics.js';
import { exceptionAttributes } from '../trace/span.js';
import { REACT_SCOPE } from './global.js';
import { TelemetryContext } from './TelemetryProvider.js';

export interface TelemetryErrorBoundaryProps {
  /** Shown instead of the children after an error; a function also gets a `reset` to try again. */
  fallback?: ReactNode | ((error: unknown, reset: () => void) => ReactNode) | undefined;
  /** Names the boundary in telemetry (`react.error_boundary.name`). */
  name?: string | undefined;
  /** Called after the error is recorded. */
  onError?: ((error: unknown, info: ErrorInfo) => void) | undefined;
  children?: ReactNode | undefined;
}

interface State {
  error: unknown;
  hasError: boolean;
}

/**
 * An error boundary that records the error: a span `react.error_boundary` with status ERROR and
 * an exception event, and an ERROR log record, both carrying the React component stack
 * (`react.component_stack`). Then it renders `fallback`.
 */
export class TelemetryErrorBoundary extends Component<TelemetryErrorBoundaryProps, State> {
  static contextType = TelemetryContext;
  declare context: Telemetry;
  state: State = { error: undefined, hasError: false };

  static getDerivedStateFromError(error: unknown): State {
    return { error, hasError: true };
  }

  componentDidCatch(error: unknown, info: ErrorInfo): void {
    // Whatever was thrown (a null-prototype object, a Proxy, a Symbol, a frozen Error) is only
    // described, never converted with String(): recording must not throw from here, or the
    // outer boundary takes over and nothing is recorded. The value reaches `fallback` untouched.
    try {
      const telemetry = this.context;
      const componentStack = typeof info?.componentStack === 'string' ? info.componentStack : '';
      const name = typeof this.props.name === 'string' ? this.props.name : 'TelemetryErrorBoundary';
      const attributes = { 'react.component_stack': componentStack, 'react.error_boundary.name': name };
      const span = telemetry.getTracer(REACT_SCOPE).startSpan('react.error_boundary', { attributes });
      span.recordException(error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: thrownMessage(error) });
      span.end();
      telemetry.getLogger(REACT_SCOPE).emit({
        severityText: 'ERROR',
        body: `React error boundary "${name}" caught: ${thrownMessage(error, true)}`,
        attributes: { ...exceptionAttributes(error), ...attributes },
        span,
      });
    } catch {
      // Telemetry never breaks the app; the fallback still renders.
    }
    this.props.onError?.(error, info);
  }

  private reset = () => this.setState({ error: undefined, hasError: false });

  render(): ReactNode {
    if (!this.state.hasError) return this.props.children;
    const { fallback } = this.props;
    return typeof fallback === 'function' ? fallback(this.state.error, this.reset) : (fallback ?? null);
  }
}
