/** Google's JSON error envelope, as every Google API answers an error. */

export interface GoogleErrorDetail {
  reason: string;
  message: string;
  location?: string;
  locationType?: 'parameter' | 'header';
}

const STATUS: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
};

export class GoogleError extends Error {
  constructor(
    readonly code: number,
    readonly detail: GoogleErrorDetail,
    readonly headers: Record<string, string> = {},
  ) {
    super(detail.message);
  }

  body(): unknown {
    const { reason, message, location, locationType } = this.detail;
    return {
      error: {
        code: this.code,
        message,
        errors: [{ message, domain: 'global', reason, ...(location ? { location, locationType } : {}) }],
        ...(STATUS[this.code] ? { status: STATUS[this.code] } : {}),
      },
    };
  }
}

export const invalidParam = (location: string, message = 'Invalid Value') =>
  new GoogleError(400, { reason: 'invalid', message, location, locationType: 'parameter' });

export const requiredParam = (location: string) =>
  new GoogleError(400, {
    reason: 'required',
    message: `Required parameter: ${location}`,
    location,
    locationType: 'parameter',
  });

export const fileNotFound = (fileId: string) =>
  new GoogleError(404, {
    reason: 'notFound',
    message: `File not found: ${fileId}.`,
    location: 'fileId',
    locationType: 'parameter',
  });

export const insufficientScopes = () =>
  new GoogleError(403, {
    reason: 'insufficientPermissions',
    message: 'Request had insufficient authentication scopes.',
  });

export const invalidCredentials = () =>
  new GoogleError(
    401,
    {
      reason: 'authError',
      message:
        'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie ' +
        'or other valid authentication credential.',
      location: 'Authorization',
      locationType: 'header',
    },
    { 'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' },
  );

export const loginRequired = () =>
  new GoogleError(401, {
    reason: 'required',
    message: 'Request is missing required authentication credential.',
    location: 'Authorization',
    locationType: 'header',
  });
