import { describe, expect, it } from "vitest";
import { render } from "@testing-library/svelte";
import BodyRows from "./BodyRows.svelte";
import type { BodyRow } from "../../api";

const schema = {
  type: "object",
  required: ["count"],
  properties: {
    count: { type: "integer", format: "int32" },
    code: { type: "string", example: "42" },
    when: { type: "string", format: "date-time" },
  },
};
const row = (key: string, type: BodyRow["type"], value: string): BodyRow => ({ key, type, value, children: [] });

describe("the JSON form's rows", () => {
  it("an integer row is an integer field: its type, a numeric keypad and the schema's format as placeholder", () => {
    const { container } = render(BodyRows, {
      props: { rows: [row("count", "integer", ""), row("code", "string", "42"), row("when", "string", "")], schema },
    });
    const field = (key: string) => container.querySelector<HTMLInputElement>(`.row[data-key=${key}] input.value`);
    const type = (key: string) => container.querySelector<HTMLSelectElement>(`.row[data-key=${key}] select`)?.value;
    expect(type("count")).toBe("integer");
    expect(field("count")?.getAttribute("inputmode")).toBe("numeric");
    expect(field("count")?.placeholder).toBe("integer (int32)");
    expect(type("code")).toBe("string");
    expect(field("code")?.value).toBe("42");
    expect(field("code")?.hasAttribute("inputmode")).toBe(false);
    expect(field("when")?.placeholder).toBe("string (date-time)");
  });
});
