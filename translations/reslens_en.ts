<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>ArchitecturePanel</name>
    <message numerus="yes">
        <source>%n class(es)</source>
        <translation>
            <numerusform>%n class</numerusform>
            <numerusform>%n classes</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ClassCard</name>
    <message numerus="yes">
        <source>%n image(s), %1 unreadable (skipped)</source>
        <translation>
            <numerusform>%n image, %1 unreadable (skipped)</numerusform>
            <numerusform>%n images, %1 unreadable (skipped)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n image(s)</source>
        <translation>
            <numerusform>%n image</numerusform>
            <numerusform>%n images</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n added since the last training</source>
        <translation>
            <numerusform>%n added since the last training</numerusform>
            <numerusform>%n added since the last training</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ClassesPanel</name>
    <message numerus="yes">
        <source>%n class(es), %1 images</source>
        <translation>
            <numerusform>%n class, %1 images</numerusform>
            <numerusform>%n classes, %1 images</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ConfusionModel</name>
    <message numerus="yes">
        <source>%1 taken for their own class: %n image(s)</source>
        <translation>
            <numerusform>%1 taken for their own class: %n image</numerusform>
            <numerusform>%1 taken for their own class: %n images</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 called unknown: %n image(s)</source>
        <translation>
            <numerusform>%1 called unknown: %n image</numerusform>
            <numerusform>%1 called unknown: %n images</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 taken for %2: %n image(s)</source>
        <translation>
            <numerusform>%1 taken for %2: %n image</numerusform>
            <numerusform>%1 taken for %2: %n images</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Dialogs</name>
    <message numerus="yes">
        <source>%n class(es): %1</source>
        <translation>
            <numerusform>%n class: %1</numerusform>
            <numerusform>%n classes: %1</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>EmptyState</name>
    <message numerus="yes">
        <source>Model: %1, %n class(es): %2</source>
        <translation>
            <numerusform>Model: %1, %n class: %2</numerusform>
            <numerusform>Model: %1, %n classes: %2</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>EvaluateWindow</name>
    <message numerus="yes">
        <source>%1 misclassified: %n image(s)</source>
        <translation>
            <numerusform>%1 misclassified: %n image</numerusform>
            <numerusform>%1 misclassified: %n images</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Exporting</name>
    <message numerus="yes">
        <source>Exported %n result(s) to %1</source>
        <translation>
            <numerusform>Exported %n result to %1</numerusform>
            <numerusform>Exported %n results to %1</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Labels</name>
    <message numerus="yes">
        <source>unknown (none of the %n classes)</source>
        <translation>
            <numerusform>unknown (none of the %n classes)</numerusform>
            <numerusform>unknown (none of the %n classes)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Messages</name>
    <message numerus="yes">
        <source>int8: agrees with fp32 on %1 % of %n image(s)</source>
        <translation>
            <numerusform>int8: agrees with fp32 on %1 % of %n image</numerusform>
            <numerusform>int8: agrees with fp32 on %1 % of %n images</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>int8: agrees with fp32 on %1 % of %n image(s) held out from %2 (not used to calibrate)</source>
        <translation>
            <numerusform>int8: agrees with fp32 on %1 % of %n image held out from %2 (not used to calibrate)</numerusform>
            <numerusform>int8: agrees with fp32 on %1 % of %n images held out from %2 (not used to calibrate)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>int8: agrees with fp32 on %1 % of %n image(s) rendered shapes (%2 has too few images to hold some out)</source>
        <translation>
            <numerusform>int8: agrees with fp32 on %1 % of %n image rendered shapes (%2 has too few images to hold some out)</numerusform>
            <numerusform>int8: agrees with fp32 on %1 % of %n images rendered shapes (%2 has too few images to hold some out)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>CPU (%n thread(s))</source>
        <translation>
            <numerusform>CPU (%n thread)</numerusform>
            <numerusform>CPU (%n threads)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Bundled model (%n shapes)</source>
        <translation>
            <numerusform>Bundled model (%n shapes)</numerusform>
            <numerusform>Bundled model (%n shapes)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Class “%1” has only %n image(s); %2 or more per class give a more reliable model.</source>
        <translation>
            <numerusform>Class “%1” has only %n image; %2 or more per class give a more reliable model.</numerusform>
            <numerusform>Class “%1” has only %n images; %2 or more per class give a more reliable model.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n class(es) with a single image (%1): it is used for training, and validation does not check these classes.</source>
        <translation>
            <numerusform>%n class with a single image (%1): it is used for training, and validation does not check these classes.</numerusform>
            <numerusform>%n classes with a single image (%1): it is used for training, and validation does not check these classes.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) could not be read and will be skipped.</source>
        <translation>
            <numerusform>%n file could not be read and will be skipped.</numerusform>
            <numerusform>%n files could not be read and will be skipped.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Accuracy %1: %2 of %n image(s) taken for their class</source>
        <translation>
            <numerusform>Accuracy %1: %2 of %n image taken for their class</numerusform>
            <numerusform>Accuracy %1: %2 of %n images taken for their class</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Unknown %1: %n image(s) below the threshold %2</source>
        <translation>
            <numerusform>Unknown %1: %n image below the threshold %2</numerusform>
            <numerusform>Unknown %1: %n images below the threshold %2</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n folder(s) skipped, named after no class of the model: %1</source>
        <translation>
            <numerusform>%n folder skipped, named after no class of the model: %1</numerusform>
            <numerusform>%n folders skipped, named after no class of the model: %1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>No folder for %n class(es) of the model: %1</source>
        <translation>
            <numerusform>No folder for %n class of the model: %1</numerusform>
            <numerusform>No folder for %n classes of the model: %1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) directly in the folder were skipped: put images in a sub-folder named after their class</source>
        <translation>
            <numerusform>%n file directly in the folder were skipped: put images in a sub-folder named after their class</numerusform>
            <numerusform>%n files directly in the folder were skipped: put images in a sub-folder named after their class</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) could not be evaluated</source>
        <translation>
            <numerusform>%n file could not be evaluated</numerusform>
            <numerusform>%n files could not be evaluated</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n image(s) misclassified</source>
        <translation>
            <numerusform>%n image misclassified</numerusform>
            <numerusform>%n images misclassified</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Reading %n picture(s)…</source>
        <translation>
            <numerusform>Reading %n picture…</numerusform>
            <numerusform>Reading %n pictures…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>--overwrite: %n row(s) made with other settings are recomputed</source>
        <translation>
            <numerusform>--overwrite: %n row made with other settings are recomputed</numerusform>
            <numerusform>--overwrite: %n rows made with other settings are recomputed</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n input(s) name a file already listed, and get no second row</source>
        <translation>
            <numerusform>%n input name a file already listed, and get no second row</numerusform>
            <numerusform>%n inputs name a file already listed, and get no second row</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Auto: %1 — %2x fp32 here, agrees on %3 % of %n image(s)</source>
        <translation>
            <numerusform>Auto: %1 — %2x fp32 here, agrees on %3 % of %n image</numerusform>
            <numerusform>Auto: %1 — %2x fp32 here, agrees on %3 % of %n images</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MyModelsMenu</name>
    <message numerus="yes">
        <source>%n class(es): %1</source>
        <translation>
            <numerusform>%n class: %1</numerusform>
            <numerusform>%n classes: %1</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ProjectMenu</name>
    <message numerus="yes">
        <source>%n picture(s) of the project not found: %1</source>
        <translation>
            <numerusform>%n picture of the project not found: %1</numerusform>
            <numerusform>%n pictures of the project not found: %1</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ResultsPanel</name>
    <message numerus="yes">
        <source>%1: %2 of the %n validation image(s) right. Stopped early: the best model so far was kept.</source>
        <translation>
            <numerusform>%1: %2 of the %n validation image right. Stopped early: the best model so far was kept.</numerusform>
            <numerusform>%1: %2 of the %n validation images right. Stopped early: the best model so far was kept.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1: %2 of the %n validation image(s) right.</source>
        <translation>
            <numerusform>%1: %2 of the %n validation image right.</numerusform>
            <numerusform>%1: %2 of the %n validation images right.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n image(s) of %1 taken for %2: click to see them</source>
        <translation>
            <numerusform>%n image of %1 taken for %2: click to see them</numerusform>
            <numerusform>%n images of %1 taken for %2: click to see them</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>StatusPanel</name>
    <message numerus="yes">
        <source>%n image(s)</source>
        <translation>
            <numerusform>%n image</numerusform>
            <numerusform>%n images</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n failed</source>
        <translation>
            <numerusform>%n failed</numerusform>
            <numerusform>%n failed</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n shown</source>
        <translation>
            <numerusform>%n shown</numerusform>
            <numerusform>%n shown</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Cancelled after %n image(s) in %1 s</source>
        <translation>
            <numerusform>Cancelled after %n image in %1 s</numerusform>
            <numerusform>Cancelled after %n images in %1 s</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Classified %n image(s) in %1 s</source>
        <translation>
            <numerusform>Classified %n image in %1 s</numerusform>
            <numerusform>Classified %n images in %1 s</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>; %n failed</source>
        <translation>
            <numerusform>; %n failed</numerusform>
            <numerusform>; %n failed</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TeachWindow</name>
    <message numerus="yes">
        <source>%n picture(s) added to %1</source>
        <translation>
            <numerusform>%n picture added to %1</numerusform>
            <numerusform>%n pictures added to %1</numerusform>
        </translation>
    </message>
</context>
</TS>
