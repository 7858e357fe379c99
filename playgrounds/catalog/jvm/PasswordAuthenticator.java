package playgrounds.catalog.jvm;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import javax.security.sasl.AuthenticationException;
import org.apache.hive.service.auth.PasswdAuthenticationProvider;

/**
 * HiveServer2's CUSTOM authentication for `playgrounds catalog serve`.
 *
 * <p>HiveServer2 builds one per login (hive.server2.custom.authentication.class). The server
 * process sets the hex SHA-256 of the password as a system property at run time (never on a
 * command line, where `ps` would show it); the password itself is never kept in the JVM. Any
 * user name is accepted: it only labels the session.
 */
public final class PasswordAuthenticator implements PasswdAuthenticationProvider {
  public static final String DIGEST_PROPERTY = "playgrounds.serve.password.sha256";

  @Override
  public void Authenticate(String user, String password) throws AuthenticationException {
    String expected = System.getProperty(DIGEST_PROPERTY);
    if (expected == null || expected.isEmpty() || password == null) {
      throw new AuthenticationException("wrong password");
    }
    byte[] given = hexSha256(password).getBytes(StandardCharsets.US_ASCII);
    // Constant time: the comparison does not stop at the first differing byte.
    if (!MessageDigest.isEqual(given, expected.getBytes(StandardCharsets.US_ASCII))) {
      throw new AuthenticationException("wrong password");
    }
  }

  static String hexSha256(String text) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      StringBuilder hex = new StringBuilder(64);
      for (byte b : digest) {
        hex.append(String.format("%02x", b));
      }
      return hex.toString();
    } catch (NoSuchAlgorithmException missing) {
      throw new IllegalStateException(missing);
    }
  }
}
