package dev.mysqlsts.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class InitScriptKeysTest {

    @Test
    void readsTheSeedsScript() {
        String script = """
                if [[ $ordinal -eq 0 ]]; then
                  cp /mnt/config-map/master.cnf /mnt/conf.d/
                else
                  cp /mnt/config-map/slave.cnf /mnt/conf.d/
                fi
                """;
        assertEquals(Optional.of(new InitScriptKeys.Found("master.cnf", "slave.cnf", "init-mysql")),
                InitScriptKeys.fromScript(script, "init-mysql"));
    }

    @Test
    void toleratesOtherMountPathsVariablesBracketsOptionsAndQuotes() {
        String script = """
                if [ "${i}" == 0 ]
                then
                  cp -f '/etc/cfg/a.cnf' /x/
                else cp "/cm/b.cnf" /x/; fi
                """;
        assertEquals(Optional.of(new InitScriptKeys.Found("a.cnf", "b.cnf", "c")), InitScriptKeys.fromScript(script, "c"));
    }

    @Test
    void findsNothingInAScriptOfAnotherShape() {
        assertEquals(Optional.empty(), InitScriptKeys.fromScript("cp /mnt/cm/$role.cnf /mnt/conf.d/", "c"));
        assertEquals(Optional.empty(), InitScriptKeys.fromScript(
                "if [[ $ordinal -eq 1 ]]; then cp /a/x.cnf /b; else cp /a/y.cnf /b; fi", "c"));
    }
}
