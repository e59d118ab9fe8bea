package org.samplingprivacy.jobs.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.samplingprivacy.jobs.validate.InputException;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Option resolution with a stated precedence: <b>command line &gt; {@code --config} file &gt;
 * built-in default</b>.
 *
 * <p>picocli asks this provider for an option's default only when the option is absent from the
 * command line; the provider answers from the HOCON file (key {@code <command>.<option>}, e.g.
 * {@code import-csv.max-bad-rows}, or a top-level {@code <option>} that applies to every command),
 * and otherwise from the built-in {@code spp-defaults.conf} resource, and otherwise lets the
 * annotation's {@code defaultValue} stand. Keys the command does not know are rejected, so a typo
 * in a config file fails loudly instead of being ignored.
 */
public final class ConfigDefaults implements IDefaultValueProvider {
  private static final String BUILT_IN = "spp-defaults.conf";
  private final Config file;
  private final Config builtIn;
  private final String source;

  private ConfigDefaults(Config file, String source) {
    this.file = file;
    this.source = source;
    this.builtIn = ConfigFactory.parseResources(ConfigDefaults.class, "/" + BUILT_IN);
  }

  /** Provider for {@code args}: reads the file named by {@code --config} if there is one. */
  public static ConfigDefaults forArgs(String[] args) {
    String path = findConfigPath(args);
    if (path == null) {
      return new ConfigDefaults(ConfigFactory.empty(), null);
    }
    File f = new File(path);
    if (!f.isFile()) {
      throw new InputException("--config file " + path + " does not exist");
    }
    try {
      // ${?VAR} substitutions resolve from the environment without merging the environment into the
      // file's keys.
      Config c =
          ConfigFactory.parseFile(f, ConfigParseOptions.defaults().setAllowMissing(false))
              .resolveWith(ConfigFactory.systemEnvironment());
      return new ConfigDefaults(c, path);
    } catch (ConfigException e) {
      throw new InputException(
          "--config file " + path + " is not valid HOCON: " + e.getMessage(), e);
    }
  }

  static String findConfigPath(String[] args) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--config") && i + 1 < args.length) {
        return args[i + 1];
      }
      if (args[i].startsWith("--config=")) {
        return args[i].substring("--config=".length());
      }
      if (args[i].equals("--")) {
        break;
      }
    }
    return null;
  }

  @Override
  public String defaultValue(ArgSpec arg) {
    if (!(arg instanceof OptionSpec option) || option.usageHelp() || option.versionHelp()) {
      return null;
    }
    String key = option.longestName().replaceFirst("^-+", "");
    String command = arg.command().name();
    for (Config c : List.of(file, builtIn)) {
      String v = lookup(c, quote(command) + "." + quote(key));
      if (v == null && c == file) {
        v = lookup(c, quote(key));
      }
      if (v != null) {
        return v;
      }
    }
    return null;
  }

  /**
   * Where {@code option}'s default comes from when the config file sets it: "--config FILE, key K";
   * null when the file does not set it. Lets a bad value be traced to the line a user must fix.
   */
  public String fileSource(OptionSpec option) {
    if (source == null) {
      return null;
    }
    String key = option.longestName().replaceFirst("^-+", "");
    String command = option.command().name();
    if (lookup(file, quote(command) + "." + quote(key)) != null) {
      return "--config " + source + ", key " + command + "." + key;
    }
    return lookup(file, quote(key)) != null ? "--config " + source + ", key " + key : null;
  }

  /**
   * Rejects keys of the config file that {@code spec} (the command being run) does not have as
   * options. Top-level keys must be options of that command too, or blocks named after another
   * command.
   */
  public void checkKeys(CommandSpec spec, Set<String> commandNames) {
    if (source == null) {
      return;
    }
    Set<String> known =
        spec.options().stream()
            .map(o -> o.longestName().replaceFirst("^-+", ""))
            .collect(Collectors.toSet());
    List<String> unknown = new ArrayList<>();
    for (Map.Entry<String, ConfigValue> e : file.root().entrySet()) {
      String k = e.getKey();
      if (commandNames.contains(k) && e.getValue().valueType() == ConfigValueType.OBJECT) {
        if (k.equals(spec.name())) {
          for (String sub : file.getConfig(quote(k)).root().keySet()) {
            if (!known.contains(sub)) {
              unknown.add(k + "." + sub);
            }
          }
        }
      } else if (!known.contains(k)) {
        unknown.add(k);
      }
    }
    if (!unknown.isEmpty()) {
      throw new InputException(
          "--config file "
              + source
              + " sets "
              + String.join(", ", unknown)
              + ", which "
              + (unknown.size() == 1 ? "is not an option" : "are not options")
              + " of "
              + spec.name());
    }
  }

  private static String lookup(Config c, String path) {
    try {
      if (!c.hasPath(path)) {
        return null;
      }
      ConfigValue v = c.getValue(path);
      if (v.valueType() == ConfigValueType.LIST) {
        return c.getList(path).unwrapped().stream()
            .map(String::valueOf)
            .collect(Collectors.joining(","));
      }
      if (v.valueType() == ConfigValueType.OBJECT) {
        return null;
      }
      return String.valueOf(v.unwrapped());
    } catch (ConfigException e) {
      throw new InputException("config key " + path + ": " + e.getMessage(), e);
    }
  }

  private static String quote(String key) {
    return "\"" + key + "\"";
  }
}
