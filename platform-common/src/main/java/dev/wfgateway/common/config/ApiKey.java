package dev.wfgateway.common.config;

import java.time.Instant;

/** A tenant API key as configuration holds it: never the key itself, only its SHA-256. */
public record ApiKey(String id, String sha256, Instant expiresAt) {
}
