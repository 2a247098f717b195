// The rules of the account forms, shared by the admin pages and the command line.
import { z } from "zod";
import { ROLES } from "../../db/schema";
import { hasControlCharacters } from "../figures/rules";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "./password-rules";

export const passwordSchema = z
  .string()
  .min(MIN_PASSWORD_LENGTH, { error: "admin.error.password" })
  .max(MAX_PASSWORD_LENGTH, { error: "admin.error.password" });

export const newUserSchema = z
  .object({
    email: z
      .string()
      .trim()
      .max(320, { error: "admin.error.email" })
      .pipe(z.email({ error: "admin.error.email" })),
    name: z
      .string()
      .trim()
      .min(1, { error: "admin.error.name" })
      .max(200, { error: "admin.error.name" })
      .refine((name) => !hasControlCharacters(name), { error: "admin.error.name" }),
    role: z.enum(ROLES, { error: "admin.error.role" }),
    entityCode: z
      .string()
      .trim()
      .transform((v) => (v === "" ? null : v))
      .nullable(),
    password: passwordSchema,
  })
  .superRefine((value, ctx) => {
    if (value.role === "focal-point" && !value.entityCode) {
      ctx.addIssue({ code: "custom", path: ["entityCode"], message: "admin.error.entity" });
    }
    if (value.role !== "focal-point" && value.entityCode) {
      ctx.addIssue({ code: "custom", path: ["entityCode"], message: "admin.error.entityNotAllowed" });
    }
  });

export type NewUserForm = z.infer<typeof newUserSchema>;
