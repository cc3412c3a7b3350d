// ValidateValidatingWebhookConfiguration and ValidateMutatingWebhookConfiguration: rows after
// pkg/apis/admissionregistration/validation/validation_test.go (TestValidateValidatingWebhookConfiguration,
// v1.35): a webhook's timeoutSeconds is 1 to 30, and a configuration's webhook names are unique.
import { describe, expect, it } from "vitest";
import { validateMutatingWebhookConfiguration, validateValidatingWebhookConfiguration } from "./webhookconfig.js";
import { messages } from "./testing.js";

const hook = (o: object = {}) => ({ name: "webhook.k8s.io", clientConfig: { url: "https://example.com" }, sideEffects: "None", admissionReviewVersions: ["v1"], ...o });
const config = (webhooks: object[]) => ({ metadata: { name: "config" }, webhooks });

describe("a webhook's timeoutSeconds", () => {
  const rows: Array<[string, number, string[]]> = [
    ["timeout seconds cannot be greater than 30", 31, ["webhooks[0].timeoutSeconds: Invalid value: 31: the timeout value must be between 1 and 30 seconds"]],
    ["timeout seconds cannot be smaller than 1", 0, ["webhooks[0].timeoutSeconds: Invalid value: 0: the timeout value must be between 1 and 30 seconds"]],
    ["timeout seconds must be positive", -1, ["webhooks[0].timeoutSeconds: Invalid value: -1: the timeout value must be between 1 and 30 seconds"]],
    ["valid timeout seconds", 1, []],
    ["valid timeout seconds (30)", 30, []],
  ];
  for (const [name, timeoutSeconds, want] of rows) {
    it(name, () => {
      expect(messages(validateValidatingWebhookConfiguration(config([hook({ timeoutSeconds })])))).toEqual(want);
      expect(messages(validateMutatingWebhookConfiguration(config([hook({ timeoutSeconds })])))).toEqual(want);
    });
  }
});

describe("a configuration's webhook names", () => {
  it("should fail on duplicate names", () => {
    expect(messages(validateValidatingWebhookConfiguration(config([hook(), hook()])))).toEqual(['webhooks[1].name: Duplicate value: "webhook.k8s.io"']);
  });
  it("two distinct names pass", () => {
    expect(validateValidatingWebhookConfiguration(config([hook(), hook({ name: "other.k8s.io" })]))).toEqual([]);
  });
});

// ValidateWebhookURL reads the URL as Go's url.Parse does: its errors (url.Error: `parse "<url without
// fragment>": <why>`) and its unescaped Fragment are what the messages print.
describe("a webhook's clientConfig.url, read by Go's url.Parse", () => {
  const form = "; desired format: https://host[/path]";
  const rows: Array<[string, string, string[]]> = [
    ["a space in the host", "https://bad host/", [`webhooks[0].clientConfig.url: Required value: url must be a valid URL: parse "https://bad host/": invalid character " " in host name${form}`]],
    ["a port that is not a number", "https://example.com:x/", [`webhooks[0].clientConfig.url: Required value: url must be a valid URL: parse "https://example.com:x/": invalid port ":x" after host${form}`]],
    ["an error names the URL without its fragment", "https://exa%zzmple.com/#frag", [`webhooks[0].clientConfig.url: Required value: url must be a valid URL: parse "https://exa%zzmple.com/": invalid URL escape "%zz"${form}`]],
    ["the fragment is shown unescaped", "https://example.com/#a%20b", ['webhooks[0].clientConfig.url: Invalid value: "a b": fragments are not permitted in the URL']],
  ];
  for (const [name, url, want] of rows) {
    it(name, () => {
      expect(messages(validateValidatingWebhookConfiguration(config([hook({ clientConfig: { url } })])))).toEqual(want);
    });
  }
});
