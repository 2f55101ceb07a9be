/** Checkers for recorded client histories. */
package io.concordkv.check;
