// Type-checks code written against the types openapi-typescript generated from /v1/openapi.json
// (scripts/clients.sh copies this beside the generated api.d.ts and runs tsc --strict --noEmit).
import type { components, paths } from "./api.d.ts";

type Schemas = components["schemas"];
type CreateBody = NonNullable<paths["/v1/checkout-sessions"]["post"]["requestBody"]>["content"]["application/json"];
type Created = paths["/v1/checkout-sessions"]["post"]["responses"]["200"]["content"]["application/json"];
type Events = paths["/v1/events"]["get"]["responses"]["200"]["content"]["application/json"];

const create: CreateBody = { amount: 12500, currency: "TRY", metadata: { order_id: "ts" }, capture_method: "manual" };
declare const created: Created;
const sessionId: string = created.checkout_session.id;
const status: Schemas["SessionStatus"] = created.checkout_session.status;
declare const events: Events;
const first: Schemas["Event"] | undefined = events.data[0];
const paymentId: string | null | undefined = first?.paymentId;
const payload: unknown = first?.data.object;
const error: Schemas["ErrorBody"] = { error: { type: "invalid_request_error", code: "amount_invalid", message: "m", param: "amount" } };
// @ts-expect-error an unknown status is not a SessionStatus
const wrong: Schemas["SessionStatus"] = "NOT_A_STATUS";
export { create, sessionId, status, paymentId, payload, error, wrong };
