package dev.mysqlsts.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The tokenizer the image check relies on: which words of a script are programs. */
class ShellCommandsTest {

    @Test
    void commandsAfterSeparatorsAndInsideSubstitutionsAreFound() {
        assertEquals(List.of("hostname", "cp", "ncat", "xbstream", "cat", "sed"), ShellCommands.programs("""
                set -ex
                [[ `hostname` =~ -([0-9]+)$ ]] || exit 1
                ordinal=${BASH_REMATCH[1]}; echo server-id=$((100 + $ordinal)) > /x
                if [[ $ordinal -eq 0 ]]; then cp /a /b; fi
                ncat --recv-only mysql-$(($ordinal-1)).mysql 3307 | xbstream -x -C /d
                echo "x $(cat f | sed -E 's/;$//g')"
                """));
    }

    @Test
    void caseStatementsLoopsAndConditionalsRunOnlyTheirCommands() {
        assertEquals(List.of("cp", "sleep", "mysql", "xtrabackup"), ShellCommands.programs("""
                case "$HOSTNAME" in
                  *-0) role=one ;;
                  (*) role=many; cp "/mnt/cm/$role.cnf" /mnt/conf.d/ ;;
                esac
                for f in a b c; do sleep 1; done
                [[ $(<file) =~ ^(.*?)[[:space:]]+(.*?)$ ]] || exit 1
                until mysql -h 127.0.0.1 -e "SELECT 1"; do :; done
                exec xtrabackup --backup
                """));
    }

    @Test
    void hereDocumentTextIsDataButItsSubstitutionsRun() {
        assertEquals(List.of("mysql", "date"), ShellCommands.programs("""
                mysql -h 127.0.0.1 <<EOF
                $(<change_master_to.sql.orig), MASTER_HOST='mysql-0.mysql';
                SELECT '$(date)';
                START SLAVE;
                EOF
                """));
    }
}
